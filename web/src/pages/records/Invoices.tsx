import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Invoices() {
  return <Page title="Invoices"><Empty>Not built yet.</Empty></Page>;
}
