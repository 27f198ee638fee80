// Web Push for Terrace's notifications: shows what the server pushed and opens its link when tapped.
self.addEventListener('push', (event) => {
  const m = event.data ? event.data.json() : { title: 'Terrace', body: '' };
  event.waitUntil(self.registration.showNotification(m.title, { body: m.body, data: { url: m.url || '/notifications' } }));
});
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.url));
});
