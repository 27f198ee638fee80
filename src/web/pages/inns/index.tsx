import { Route, Routes } from 'react-router';
import { HostPage } from './Host.tsx';
import { InnPage } from './InnPage.tsx';
import { MyBookingsPage } from './MyBookings.tsx';
import { SearchPage } from './Search.tsx';

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
