import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Inventory() {
  return <Page title="Inventory"><Empty>Not built yet.</Empty></Page>;
}
