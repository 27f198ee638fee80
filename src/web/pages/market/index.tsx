import { useQuery } from '@tanstack/react-query';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Route, Routes } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { CartPage } from './Cart.tsx';
import { CataloguePage, ShopPage } from './Catalogue.tsx';
import { OrderPage, OrdersPage } from './Orders.tsx';
import { PayPage } from './Pay.tsx';
import { ProductPage } from './Product.tsx';
import { DigitalLinkPage, LabelPage, TracePage } from './Trace.tsx';
import { useCart } from './lib.tsx';

// The seller's desk draws ECharts: buyers on the catalogue, product and trace pages never download it.
const SellerPage = lazy(() => import('./Seller.tsx').then((m) => ({ default: m.SellerPage })));

function MarketNav() {
  const { t } = useTranslation('market');
  const { data: me } = useMe();
  const lines = useCart();
  const count = lines.reduce((s, l) => s + l.qty, 0);
  const shops = useQuery({
    queryKey: ['market', 'my-shops'],
    queryFn: () => api<Reply<'myShops'>>('/market/my-shops'),
    enabled: !!me && hasRole(me, 'producer', 'county_admin'),
  });
  return (
    <nav className="market-nav" aria-label={t('title')}>
      <NavLink to="/market" end>
        {t('nav.catalogue')}
      </NavLink>
      <NavLink to="/market/cart">{t('nav.cart', { count })}</NavLink>
      {me && <NavLink to="/market/orders">{t('nav.orders')}</NavLink>}
      {!!shops.data?.length && <NavLink to="/market/seller">{t('nav.shop')}</NavLink>}
    </nav>
  );
}

/** The market module's pages, mounted at /market/*. */
export default function MarketPages() {
  return (
    <div className="market">
      <Routes>
        <Route path="trace/:id/label" element={<LabelPage />} />
        <Route
          path="*"
          element={
            <>
              <MarketNav />
              <Routes>
                <Route index element={<CataloguePage />} />
                <Route path="products/:id" element={<ProductPage />} />
                <Route path="shops/:orgId" element={<ShopPage />} />
                <Route path="cart" element={<CartPage />} />
                <Route path="pay/:paymentId" element={<PayPage />} />
                <Route path="orders" element={<OrdersPage />} />
                <Route path="orders/:id" element={<OrderPage />} />
                <Route path="seller" element={<SellerPage />} />
                <Route path="trace/:id" element={<TracePage />} />
                <Route path="01/:gtin/10/:lot" element={<DigitalLinkPage />} />
                <Route path="*" element={<CataloguePage />} />
              </Routes>
            </>
          }
        />
      </Routes>
    </div>
  );
}
