import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { InnPage } from './InnPage.tsx';
import { MyBookingsPage } from './MyBookings.tsx';
import { SearchPage } from './Search.tsx';

// The host's desk draws ECharts: guests searching and booking never download it.
const HostPage = lazy(() => import('./Host.tsx').then((m) => ({ default: m.HostPage })));

/** The inns module's pages, mounted at /inns/*. */
export default function InnsPages() {
  return (
    <Routes>
      <Route index element={<SearchPage />} />
      <Route path="bookings" element={<MyBookingsPage />} />
      <Route path="host" element={<HostPage />} />
      <Route path=":id" element={<InnPage />} />
    </Routes>
  );
}
