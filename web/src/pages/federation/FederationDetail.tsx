import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function FederationDetail() {
  return <Page title="FederationDetail"><Empty>Not built yet.</Empty></Page>;
}
