import { useTranslation } from 'react-i18next';
import type { ApiError, FieldProblem } from './api.ts';

/** `body/items/0/qty` → `qty`: the field's own name, which labels and per-field rules are keyed by. */
const fieldName = (field: string) => field.split('/').filter((s) => s && !/^\d+$/.test(s)).at(-1) ?? '';

/** Which sentence says a zod rule: its issue code, refined by what was checked (a string's length, a number, a list). */
function ruleKey(p: FieldProblem): string {
  const origin = p.params?.origin;
  const list = origin === 'array' || origin === 'set';
  const text = origin === 'string' || origin === undefined;
  switch (p.code) {
    case 'too_small':
      if (text && p.params?.minimum === 1) return 'required';
      return list ? 'minItems' : text ? 'minLength' : 'minNumber';
    case 'too_big':
      return list ? 'maxItems' : text ? 'maxLength' : 'maxNumber';
    case 'invalid_type':
      return /received undefined/.test(p.message) ? 'required' : 'wrongType';
    case 'invalid_format':
      return `format.${p.params?.format ?? 'other'}`;
    case 'invalid_value':
      return p.params?.values?.length ? 'oneOf' : 'invalid';
    case 'unrecognized_keys':
      return 'unknownField';
    default:
      return p.message === 'Unknown field' ? 'unknownField' : 'invalid';
  }
}

/**
 * One problem with one field, as a sentence in the user's language that names the field and the rule
 * ("用户名只能用…", "密码至少需要 8 个字符"), never the API's path (`body/username`). `ns` is the module whose
 * field labels (`<ns>:fields.<name>`) and rules (`<ns>:validation.rules.<name>.<code>`) come first.
 */
export function useFieldSentence(ns?: string) {
  const { t, i18n } = useTranslation();
  const first = (keys: string[]) => keys.find((k) => i18n.exists(k));
  return (p: FieldProblem): string => {
    if (p.field.startsWith('params')) return t('validation.badLink');
    const name = fieldName(p.field);
    const labelKey = first([...(ns ? [`${ns}:fields.${name}`] : []), `fields.${name}`]);
    const label = labelKey ? t(labelKey) : t('validation.thisField');
    const values = p.params?.values?.join('、');
    const vars = { label, minimum: p.params?.minimum, maximum: p.params?.maximum, values };
    const specific = p.code && first([...(ns ? [`${ns}:validation.rules.${name}.${p.code}`] : []), `validation.rules.${name}.${p.code}`]);
    if (specific) return t(specific, vars);
    const generic = `validation.${ruleKey(p)}`;
    return t(i18n.exists(generic) ? generic : 'validation.invalid', vars);
  };
}

/** Every field an invalid_input problem names, each as its sentence (the same field once). */
export function useInputProblemText(ns?: string) {
  const { t } = useTranslation();
  const sentence = useFieldSentence(ns);
  return (error: ApiError): string => {
    const problems = error.errors.length ? error.errors : error.field ? [{ field: error.field, message: error.detail }] : [];
    if (!problems.length) return t('validation.checkInput');
    const seen = new Set<string>();
    return problems
      .filter((p) => !seen.has(p.field) && !!seen.add(p.field))
      .map(sentence)
      .join(t('validation.separator'));
  };
}

/** The problems an API error has with one field (`username` matches `body/username`), as sentences. */
export function useFieldErrors(ns?: string) {
  const sentence = useFieldSentence(ns);
  return (error: unknown, name: string): string[] => {
    const errors = (error as ApiError | null)?.errors ?? [];
    return errors.filter((p) => fieldName(p.field) === name).map(sentence);
  };
}
