import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Devices() {
  return <Page title="Devices"><Empty>Not built yet.</Empty></Page>;
}
