/**
 * The domain's fixed words: plain lists and the types they name, at the bottom of the dependency graph.
 * The database's enums are built from them (db/schema) and every feature, route and component imports
 * them from here, so this file imports nothing and is safe in the browser.
 */

/**
 * Who a user is to the clinic (the `role` enum). A `guest` is a patient's companion (a family member, an
 * interpreter) who came in by a one-time guest link: no password, and a session that opens one room.
 */
export const ROLES = ["patient", "doctor", "staff", "admin", "guest"] as const;
export type Role = (typeof ROLES)[number];

/** The life of an appointment (the `appointment_status` enum). */
export const APPOINTMENT_STATUSES = ["booked", "checked_in", "in_consultation", "completed", "cancelled", "no_show"] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** Doctors' professional titles, most senior first (the `doctor_title` enum). */
export const DOCTOR_TITLES = ["chief", "associate_chief", "attending", "resident"] as const;
export type DoctorTitle = (typeof DOCTOR_TITLES)[number];

/** The product's languages (the `locale` enum). */
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * How a patient joins their consultation (the `join_mode` enum), chosen at check-in by what their device
 * can do: by video; by voice when the camera is blocked or missing; by chat alone when the microphone is too.
 */
export const JOIN_MODES = ["video", "voice", "chat"] as const;
export type JoinMode = (typeof JOIN_MODES)[number];

/** A patient's sex as they state it in their health profile (the `sex` enum). */
export const SEXES = ["female", "male", "other"] as const;
export type Sex = (typeof SEXES)[number];

/**
 * What the outbox sends a patient (the `message_kind` enum). Each kind's timing, texts and attachments
 * are in `app/features/notifications/message-kinds.ts`: a new kind is a word here and an entry there.
 */
export const MESSAGE_KINDS = ["booking_confirmed", "reminder_24h", "reminder_15m", "rescheduled", "cancelled", "summary_ready", "slot_offered"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** How a message reaches the patient (the `message_channel` enum). */
export const MESSAGE_CHANNELS = ["email", "sms"] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/**
 * A message's life in the outbox (the `message_status` enum): waiting for its time (`pending`), claimed
 * by a worker (`sending`), delivered (`sent`), kept here because no email or SMS service is configured
 * (`held`), given up after its attempts (`failed`), or no longer wanted (`cancelled`: the appointment
 * moved or was cancelled, or the patient turned the channel off).
 */
export const MESSAGE_STATUSES = ["pending", "sending", "sent", "held", "failed", "cancelled"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * A patient's waitlist request for a doctor ("Tell me about earlier times", the `waitlist_status` enum):
 * waiting for a freed time in its range, fulfilled (a time it was offered was taken), or withdrawn.
 */
export const WAITLIST_STATUSES = ["waiting", "fulfilled", "withdrawn"] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

/**
 * A freed time held for one waiting patient (the `offer_status` enum): open (held until it expires),
 * accepted ("Take this time" booked it), declined ("No thanks") or lapsed (not answered in time).
 */
export const OFFER_STATUSES = ["open", "accepted", "declined", "lapsed"] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/**
 * What a file attached to an appointment is (the `attachment_kind` enum), known from its content, never
 * from its name: a photo (JPEG or PNG, re-encoded without its metadata) or a PDF (a test report, say).
 */
export const ATTACHMENT_KINDS = ["image", "pdf"] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/**
 * Why a file is attached (the `attachment_purpose` enum): the patient's, for the visit (a photo of a
 * rash, last week's blood test), or the doctor's, for the visit summary (an advice sheet).
 */
export const ATTACHMENT_PURPOSES = ["visit", "summary"] as const;
export type AttachmentPurpose = (typeof ATTACHMENT_PURPOSES)[number];

/**
 * Who else takes part in a consultation (the `participant_kind` enum): a colleague the doctor invited (any
 * doctor of the hospital: 会诊), or a companion the patient invited (a family member, an interpreter).
 */
export const PARTICIPANT_KINDS = ["colleague", "companion"] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

/**
 * A third participant's place (the `participant_status` enum): invited (a companion's link not yet
 * opened), waiting (in the waiting room, for the doctor to admit), admitted (in the call; a colleague is
 * admitted when invited), removed (by the doctor: their page says so and their media stops).
 */
export const PARTICIPANT_STATUSES = ["invited", "waiting", "admitted", "removed"] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];
