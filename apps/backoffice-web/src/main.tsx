import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles.css';

// Without StrictMode: its double-run effects in development would fetch each document
// twice, and every document view is recorded on the case's timeline.
createRoot(document.getElementById('root') as HTMLElement).render(<App />);
