import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Audit() {
  return <Page title="Audit"><Empty>Not built yet.</Empty></Page>;
}
