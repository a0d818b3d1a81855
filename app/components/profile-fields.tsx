import { SEXES, type Sex } from "~/domain/vocabulary";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { Field, SelectField, TextArea } from "./field";

export type ProfileValues = { birthDate: string | null; sex: Sex | null; allergies: string | null; noKnownAllergies: boolean };

/** Date of birth, sex and allergies: what a patient tells their doctors (the account page). */
export function ProfileFields({ values, errors }: { values: ProfileValues; errors: Partial<Record<string, MessageKey>> }) {
  const t = useT();
  return (
    <>
      <Field label={t("profile.birthDate")} name="birthDate" type="date" min="1900-01-01" defaultValue={values.birthDate ?? ""} error={errors.birthDate} autoComplete="bday" />
      <SelectField label={t("profile.sex")} name="sex" defaultValue={values.sex ?? ""} error={errors.sex}>
        <option value="">{t("profile.notStated")}</option>
        {SEXES.map((sex) => (
          <option key={sex} value={sex}>
            {t(`sex.${sex}`)}
          </option>
        ))}
      </SelectField>
      <TextArea
        label={t("profile.allergies")}
        name="allergies"
        rows={2}
        maxLength={500}
        defaultValue={values.allergies ?? ""}
        hint={t("profile.allergiesHint")}
        error={errors.allergies}
      />
      <label className="check">
        <input type="checkbox" name="noKnownAllergies" defaultChecked={values.noKnownAllergies} /> {t("profile.noKnownAllergies")}
      </label>
    </>
  );
}
