import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/** "Remind me when it starts": the signed-in viewer is told (notifications centre and their channels) before and at the start. */
export function Reminder({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation('live');
  const qc = useQueryClient();
  const key = ['live', 'reminder', sessionId];
  const state = useQuery({ queryKey: key, queryFn: () => api<Reply<'getLiveReminder'>>(`/live/sessions/${sessionId}/reminder`) });
  const toggle = useMutation({
    mutationFn: (on: boolean) => api<Reply<'setLiveReminder'>>(`/live/sessions/${sessionId}/reminder`, { method: 'PUT', body: { on } }),
    onSuccess: (data) => qc.setQueryData(key, data),
  });
  const on = !!state.data?.reminded;
  return (
    <>
      <button type="button" aria-pressed={on} disabled={!state.data || toggle.isPending} onClick={() => toggle.mutate(!on)}>
        🔔 {on ? t('remind.set') : t('remind.on')}
      </button>
      <ErrorText ns="live" error={toggle.error} />
    </>
  );
}
