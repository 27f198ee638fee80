import { FileField } from '../../components/FileField.tsx';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { upload, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import type { ProposalFile } from './shared.ts';

type Phase = ProposalFile['phase'];
type Kind = ProposalFile['kind'];

const fileUrl = (id: string, size: 'thumb' | 'full' = 'full') => `/api/v1/interventions/files/${id}${size === 'thumb' ? '?size=thumb' : ''}`;


function Tile({ f }: { f: ProposalFile }) {
  const { t } = useTranslation('interventions');
  return (
    <figure className="iv-file" data-testid="iv-file" data-phase={f.phase}>
      {f.hasThumb ? (
        <a href={fileUrl(f.id)} target="_blank" rel="noreferrer">
          <img src={fileUrl(f.id, 'thumb')} alt={f.caption || t(`files.kind.${f.kind}`)} loading="lazy" />
        </a>
      ) : (
        <a href={fileUrl(f.id)} target="_blank" rel="noreferrer" className="iv-pdf">
          {t('files.pdf')}
        </a>
      )}
      <figcaption>
        <span className="tag">{t(`files.phase.${f.phase}`)}</span> {f.caption}
      </figcaption>
    </figure>
  );
}

/** The uploaded drawings and photos; before and after photos side by side. */
export function FileGallery({ files }: { files: ProposalFile[] }) {
  const { t } = useTranslation('interventions');
  const before = files.filter((f) => f.phase === 'before');
  const after = files.filter((f) => f.phase === 'after');
  const rest = files.filter((f) => f.phase !== 'before' && f.phase !== 'after');
  if (!files.length) return <p className="muted">{t('files.empty')}</p>;
  return (
    <>
      {(before.length > 0 || after.length > 0) && (
        <div className="iv-before-after" aria-label={t('files.beforeAfter')}>
          <div>
            <h3>{t('files.phase.before')}</h3>
            {before.map((f) => (
              <Tile key={f.id} f={f} />
            ))}
          </div>
          <div>
            <h3>{t('files.phase.after')}</h3>
            {after.map((f) => (
              <Tile key={f.id} f={f} />
            ))}
          </div>
        </div>
      )}
      {rest.length > 0 && (
        <div className="iv-files">
          {rest.map((f) => (
            <Tile key={f.id} f={f} />
          ))}
        </div>
      )}
    </>
  );
}

/** Attach a file: the phases and kinds offered are those the current stage allows this user. */
export function FileUpload({ proposalId, phases, kinds, onDone }: { proposalId: string; phases: Phase[]; kinds: Kind[]; onDone: () => void }) {
  const { t } = useTranslation('interventions');
  const [file, setFile] = useState<File | null>(null);
  const [caption, setCaption] = useState('');
  const [phase, setPhase] = useState<Phase>(phases[0]);
  const [kind, setKind] = useState<Kind>(kinds[0]);
  const [inputKey, setInputKey] = useState(0);
  const send = useMutation({
    mutationFn: () => upload<Reply<'uploadProposalFile'>>(`/interventions/${proposalId}/files`, file!, { kind, phase, caption }),
    onSuccess: () => {
      setFile(null);
      setCaption('');
      setInputKey((k) => k + 1);
      onDone();
    },
  });
  return (
    <form
      className="form iv-upload"
      onSubmit={(e) => {
        e.preventDefault();
        if (file) send.mutate();
      }}
    >
      <label>
        {t('files.file')}
        <FileField resetKey={inputKey} kind={kinds.includes('drawing') ? 'document' : 'photo'} onFile={setFile} />
      </label>
      <div className="row wrap">
        {kinds.length > 1 && (
          <select name="kind" aria-label={t('files.kindLabel')} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(`files.kind.${k}`)}
              </option>
            ))}
          </select>
        )}
        {phases.length > 1 && (
          <select name="phase" aria-label={t('files.phaseLabel')} value={phase} onChange={(e) => setPhase(e.target.value as Phase)}>
            {phases.map((p) => (
              <option key={p} value={p}>
                {t(`files.phase.${p}`)}
              </option>
            ))}
          </select>
        )}
        <label>
          {t('files.caption')}
          <input name="caption" maxLength={200} value={caption} onChange={(e) => setCaption(e.target.value)} />
        </label>
      </div>
      <button type="submit" disabled={!file || send.isPending}>
        {send.isPending ? t('files.uploading') : t('files.upload')}
      </button>
      <ErrorText ns="interventions" error={send.error} />
    </form>
  );
}
