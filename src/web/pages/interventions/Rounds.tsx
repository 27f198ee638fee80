export default function RoundsPage() {
  return null;
}
