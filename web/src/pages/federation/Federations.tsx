import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Federations() {
  return <Page title="Federations"><Empty>Not built yet.</Empty></Page>;
}
