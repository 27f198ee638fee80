import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { INDEX_METHODS, type IndexMethod } from './shared.ts';

/** How the index combines the indicators: shown to every reader, changed by the county admin. */
export function MethodPicker({ method, canChange }: { method: IndexMethod; canChange: boolean }) {
  const { t } = useTranslation('indicators');
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (next: IndexMethod) => api('/indicators/method', { method: 'PUT', body: { method: next } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['indicators'] }),
  });
  if (!canChange) {
    return (
      <p className="hint">
        {t('method.label')}: {t(`method.${method}`)}
      </p>
    );
  }
  return (
    <div className="ind-method">
      <label>
        {t('method.label')}{' '}
        <select value={method} disabled={change.isPending} onChange={(e) => change.mutate(e.target.value as IndexMethod)}>
          {INDEX_METHODS.map((m) => (
            <option key={m} value={m}>
              {t(`method.${m}`)}
            </option>
          ))}
        </select>
      </label>
      {change.isSuccess && (
        <p role="status" className="hint">
          {t('method.changed')}
        </p>
      )}
      <ErrorText error={change.error} />
    </div>
  );
}
