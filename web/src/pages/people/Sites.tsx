import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Sites() {
  return <Page title="Sites"><Empty>Not built yet.</Empty></Page>;
}
