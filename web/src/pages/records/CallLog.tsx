import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function CallLog() {
  return <Page title="CallLog"><Empty>Not built yet.</Empty></Page>;
}
