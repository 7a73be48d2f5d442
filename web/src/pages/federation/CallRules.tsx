import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function CallRules() {
  return <Page title="CallRules"><Empty>Not built yet.</Empty></Page>;
}
