import { boolean, date, oneOf, reference, text, urn } from '../cell-parsers';
import { COUNT_UPSERTED, column, KindDefinition, storedColumns } from '../kind-definition';

/** `forms` is not in the file: it is kept as stored. Booleans not given are false. */
export const PROVIDERS: KindDefinition = {
  kind: 'providers',
  table: 'provider',
  columns: [
    column('provider_ref', 'text', reference, true),
    column('name', 'text', text, true),
    column('on_framework', 'boolean', boolean, true),
    column('registered', 'boolean', boolean, true),
    column('dfe_urn', 'text', urn),
    column('ofsted_judgement', 'text', text),
    column('ofsted_date', 'date', date),
    column('offers_full_time', 'boolean', boolean),
    column('offers_part_time', 'boolean', boolean),
    column('offers_in_school', 'boolean', boolean),
    column('online', 'boolean', boolean),
    column('professional_services', 'boolean', boolean),
    column('environment_risk', 'text', oneOf(['low', 'medium', 'high'])),
    column('postcode', 'text', text),
  ],
  naturalKey: ['provider_ref'],
  stored: {
    from: 'provider t',
    match: 't.provider_ref = s.provider_ref',
    columns: storedColumns([
      'name',
      'on_framework',
      'registered',
      'dfe_urn',
      'ofsted_judgement',
      'ofsted_date',
      'offers_full_time',
      'offers_part_time',
      'offers_in_school',
      'online',
      'professional_services',
      'environment_risk',
      'postcode',
    ]),
  },
  checks: [],
  merge: [
    `WITH upserted AS (
      INSERT INTO provider (provider_ref, name, on_framework, registered, dfe_urn, ofsted_judgement, ofsted_date,
        offers_full_time, offers_part_time, offers_in_school, online, professional_services, environment_risk, postcode)
      SELECT provider_ref, name, on_framework, registered, dfe_urn, ofsted_judgement, ofsted_date,
        coalesce(offers_full_time, false), coalesce(offers_part_time, false), coalesce(offers_in_school, false),
        coalesce(online, false), coalesce(professional_services, false), environment_risk, postcode
      FROM ingest_stage
      ON CONFLICT ON CONSTRAINT provider_provider_ref_key DO UPDATE
        SET name = EXCLUDED.name, on_framework = EXCLUDED.on_framework, registered = EXCLUDED.registered,
          dfe_urn = EXCLUDED.dfe_urn, ofsted_judgement = EXCLUDED.ofsted_judgement, ofsted_date = EXCLUDED.ofsted_date,
          offers_full_time = EXCLUDED.offers_full_time, offers_part_time = EXCLUDED.offers_part_time,
          offers_in_school = EXCLUDED.offers_in_school, online = EXCLUDED.online,
          professional_services = EXCLUDED.professional_services, environment_risk = EXCLUDED.environment_risk,
          postcode = EXCLUDED.postcode
        WHERE (provider.name, provider.on_framework, provider.registered, provider.dfe_urn, provider.ofsted_judgement,
            provider.ofsted_date, provider.offers_full_time, provider.offers_part_time, provider.offers_in_school,
            provider.online, provider.professional_services, provider.environment_risk, provider.postcode)
          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.on_framework, EXCLUDED.registered, EXCLUDED.dfe_urn,
            EXCLUDED.ofsted_judgement, EXCLUDED.ofsted_date, EXCLUDED.offers_full_time, EXCLUDED.offers_part_time,
            EXCLUDED.offers_in_school, EXCLUDED.online, EXCLUDED.professional_services, EXCLUDED.environment_risk,
            EXCLUDED.postcode)
      RETURNING (xmax = 0) AS inserted)
    ${COUNT_UPSERTED}`,
  ],
};
