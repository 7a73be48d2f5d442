import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Features() {
  return <Page title="Features"><Empty>Not built yet.</Empty></Page>;
}
