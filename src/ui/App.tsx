import type { ReactElement } from 'react';

export function App(): ReactElement {
  return <main><h1>Code2LoRA Web</h1></main>;
}
