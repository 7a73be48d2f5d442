import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function UserDetail() {
  return <Page title="UserDetail"><Empty>Not built yet.</Empty></Page>;
}
