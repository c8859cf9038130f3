import { QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { queryClient } from './api/queries';
import { App } from './app';
import { I18nProvider } from './i18n/i18n';
import './styles.css';

// Without StrictMode: its double-run effects in development would fetch each document
// twice, and every document view is recorded on the case's timeline.
createRoot(document.getElementById('root') as HTMLElement).render(
  <QueryClientProvider client={queryClient}>
    <I18nProvider>
      <App />
    </I18nProvider>
  </QueryClientProvider>,
);
