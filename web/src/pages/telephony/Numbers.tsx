import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Numbers() {
  return <Page title="Numbers"><Empty>Not built yet.</Empty></Page>;
}
