import { useTranslation } from 'react-i18next';
import { NavLink, Route, Routes } from 'react-router';
import { hasRole, useMe } from '../../auth.tsx';
import { AccountsPage, BoardPage } from './Board.tsx';
import { EnrolPage, HomePage } from './Home.tsx';
import { JobPage, JobsPage } from './Jobs.tsx';
import { ProgrammePage } from './Programme.tsx';
import { ResidentsPage } from './Residents.tsx';
import { ReviewPage } from './Review.tsx';
import { ApprenticeshipPage, WorkshopPage } from './Workshop.tsx';
import { OFFICIALS } from './shared.ts';
import './people.css';

function ModuleNav() {
  const { t } = useTranslation('people');
  const { data: me } = useMe();
  const official = hasRole(me, ...OFFICIALS);
  return (
    <nav className="iv-tabs" aria-label={t('title')}>
      <NavLink to="/people" end>
        {t('nav.home')}
      </NavLink>
      <NavLink to="/people/board">{t('nav.board')}</NavLink>
      <NavLink to="/people/jobs">{t('nav.jobs')}</NavLink>
      {official && <NavLink to="/people/review">{t('nav.review')}</NavLink>}
      {official && <NavLink to="/people/residents">{t('nav.residents')}</NavLink>}
    </nav>
  );
}

/** The people module's pages, mounted at /people/*. */
export default function PeoplePages() {
  const { t } = useTranslation('people');
  return (
    <div className="stack">
      <h1 className="people-heading">{t('title')}</h1>
      <ModuleNav />
      <Routes>
        <Route index element={<HomePage />} />
        <Route path="programmes/:id" element={<ProgrammePage />} />
        <Route path="review" element={<ReviewPage />} />
        <Route path="residents" element={<ResidentsPage />} />
        <Route path="artisans/:id" element={<WorkshopPage />} />
        <Route path="apprenticeships/:id" element={<ApprenticeshipPage />} />
        <Route path="board" element={<BoardPage />} />
        <Route path="board/:villageId" element={<BoardPage />} />
        <Route path="accounts/:id" element={<AccountsPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/:id" element={<JobPage />} />
        <Route path="enrol" element={<EnrolPage />} />
      </Routes>
    </div>
  );
}
