import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Accounts() {
  return <Page title="Accounts"><Empty>Not built yet.</Empty></Page>;
}
