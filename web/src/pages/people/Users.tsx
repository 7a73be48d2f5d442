import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function Users() {
  return <Page title="Users"><Empty>Not built yet.</Empty></Page>;
}
