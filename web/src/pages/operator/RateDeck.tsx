import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function RateDeck() {
  return <Page title="RateDeck"><Empty>Not built yet.</Empty></Page>;
}
