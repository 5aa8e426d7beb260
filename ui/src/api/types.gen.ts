// Placeholder written from docs/api-contract.md; overwritten by `cargo run -- dev gen-ts`.

export interface ApiError { code: string; message: string; field: string | null }

export type Lang = "zh-CN" | "en";
export interface Settings { org_name: string; language: Lang; timezone: string; database_empty: boolean }
export interface SettingsInput { org_name: string; language: Lang; timezone: string }

export type StaffRole = "organizer" | "inviter" | "assistant" | "lecturer" | "checkin";
export interface Staff { id: number; name: string; phone: string | null; roles: StaffRole[]; active: boolean }
export interface StaffInput { name: string; phone: string | null; roles: StaffRole[]; active: boolean }

export type StoreLevel = "A" | "B" | "C";
export interface Store { id: number; name: string; city: string; district: string; address: string; industry: string;
  level: StoreLevel; key_customer: boolean; referrer_id: number | null; referrer_name: string | null;
  note: string; contact_count: number; created_at: string }
export interface StoreInput { name: string; city: string; district: string; address: string; industry: string;
  level: StoreLevel; key_customer: boolean; referrer_id: number | null; note: string }
export interface StoreQuery { q: string | null; city: string | null; page: number | null; page_size: number | null }
export interface StorePage { items: Store[]; total: number; page: number; page_size: number }
export interface StoreDetail { store: Store; contacts: Contact[] }

export type ContactRole = "owner" | "owner_spouse" | "manager" | "staff";
export type PhoneKind = "mobile" | "landline";
export interface Contact { id: number; store_id: number; name: string; role: ContactRole; phone: string | null;
  phone_kind: PhoneKind | null; opted_out: boolean; erased: boolean }
export interface ContactInput { name: string; role: ContactRole; phone: string | null; opted_out: boolean }

export type SeminarStatus = "planning" | "inviting" | "live" | "closed";
export type SeatingLayout = "round_tables" | "classroom";
export interface Seminar { id: number; title: string; date: string; start_time: string; timezone: string;
  venue: string; city: string; capacity: number; lecturer_id: number | null; lecturer_name: string | null;
  layout: SeatingLayout; status: SeminarStatus; attribution_days: number;
  invited: number; confirmed: number; attended: number; created_at: string }
export interface SeminarInput { title: string; date: string; start_time: string; timezone: string; venue: string;
  city: string; capacity: number; lecturer_id: number | null; layout: SeatingLayout; attribution_days: number }

export interface Health { ok: boolean; version: string }
export interface IdInput { id: number }
export interface SeminarStatusInput { id: number; status: SeminarStatus }
export interface DemoInput { today: string | null }
export interface DemoLoaded { seminars: number; stores: number }
