import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Directory() {
  return <Page title="Directory"><Empty>Not built yet.</Empty></Page>;
}
