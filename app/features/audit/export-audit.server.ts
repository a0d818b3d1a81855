import type { Db } from "~db/client.server";
import type { Role } from "~/domain/vocabulary";
import { csvLine } from "~/features/clinic-schedule/csv";
import { allAuditEvents, type AuditFilter, type AuditRow } from "./list-audit.server";
import { recordAudit } from "./record-audit.server";

/** Machine-readable column names and codes, the same in every language: the file is for tools. */
const HEADER = [
  "seq",
  "time_utc",
  "actor_id",
  "actor_name",
  "actor_role",
  "action",
  "entity_type",
  "entity_id",
  "patient_id",
  "patient_name",
  "client_address",
  "detail",
  "hash",
];

const line = (r: AuditRow) =>
  csvLine([
    r.seq,
    r.exactAt,
    r.actorId,
    r.actorName,
    r.actorRole,
    r.action,
    r.entityType,
    r.entityId,
    r.patientId,
    r.patientName,
    r.clientAddress,
    JSON.stringify(r.detail),
    r.hash,
  ]);

/**
 * The filtered trail as a CSV stream, newest first. The export is recorded before the first row is
 * read (with its filter), so it appears in its own file when the filter covers it.
 */
export async function exportAuditCsv(
  db: Db,
  filter: AuditFilter,
  by: { actor: { id: string; role: Role }; clientAddress?: string | null },
): Promise<ReadableStream<Uint8Array>> {
  await recordAudit(db, {
    actorId: by.actor.id,
    actorRole: by.actor.role,
    action: "audit.exported",
    entityType: "audit_trail",
    entityId: "audit_events",
    clientAddress: by.clientAddress,
    detail: {
      filter: {
        actorId: filter.actorId ?? null,
        patientId: filter.patientId ?? null,
        action: filter.action ?? null,
        from: filter.from?.toISOString() ?? null,
        until: filter.until?.toISOString() ?? null,
      },
    },
  });
  const encoder = new TextEncoder();
  const batches = allAuditEvents(db, filter);
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(HEADER)}`));
        return;
      }
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map(line).join("")));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
