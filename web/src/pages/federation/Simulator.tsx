import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Simulator() {
  return <Page title="Simulator"><Empty>Not built yet.</Empty></Page>;
}
