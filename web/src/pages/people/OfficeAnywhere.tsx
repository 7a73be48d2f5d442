import { Page, Empty } from '../../components/ui.tsx';

/** Placeholder: replaced by the screen's implementation. */
export default function OfficeAnywhere() {
  return <Page title="OfficeAnywhere"><Empty>Not built yet.</Empty></Page>;
}
