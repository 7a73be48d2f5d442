import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Trunks() {
  return <Page title="Trunks"><Empty>Not built yet.</Empty></Page>;
}
