export { BackendCheckPanel } from './BackendCheckPanel.tsx';
