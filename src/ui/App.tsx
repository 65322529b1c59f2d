export function App() {
  return <h1>Any2Point Web</h1>;
}
