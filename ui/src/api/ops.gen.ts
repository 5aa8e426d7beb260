// Placeholder written from docs/api-contract.md; overwritten by `cargo run -- dev gen-ts`.
import type {
  ContactInput, Contact, DemoInput, DemoLoaded, Health, IdInput, Seminar, SeminarInput, SeminarStatusInput,
  Settings, SettingsInput, Staff, StaffInput, Store, StoreDetail, StoreInput, StorePage, StoreQuery,
} from "./types.gen";

export const OPS = {
  "health": { method: "GET", path: "/api/health" },
  "settings.get": { method: "GET", path: "/api/settings" },
  "settings.update": { method: "PUT", path: "/api/settings" },
  "staff.list": { method: "GET", path: "/api/staff" },
  "staff.create": { method: "POST", path: "/api/staff" },
  "staff.update": { method: "PUT", path: "/api/staff/{id}" },
  "stores.list": { method: "GET", path: "/api/stores" },
  "stores.get": { method: "GET", path: "/api/stores/{id}" },
  "stores.create": { method: "POST", path: "/api/stores" },
  "stores.update": { method: "PUT", path: "/api/stores/{id}" },
  "contacts.create": { method: "POST", path: "/api/stores/{store_id}/contacts" },
  "contacts.update": { method: "PUT", path: "/api/contacts/{id}" },
  "contacts.erase": { method: "POST", path: "/api/contacts/{id}/erase" },
  "seminars.list": { method: "GET", path: "/api/seminars" },
  "seminars.get": { method: "GET", path: "/api/seminars/{id}" },
  "seminars.create": { method: "POST", path: "/api/seminars" },
  "seminars.update": { method: "PUT", path: "/api/seminars/{id}" },
  "seminars.set_status": { method: "POST", path: "/api/seminars/{id}/status" },
  "demo.load": { method: "POST", path: "/api/demo" },
} as const;

export interface OpTypes {
  "health": { input: Record<string, never>; output: Health };
  "settings.get": { input: Record<string, never>; output: Settings };
  "settings.update": { input: SettingsInput; output: Settings };
  "staff.list": { input: Record<string, never>; output: Staff[] };
  "staff.create": { input: StaffInput; output: Staff };
  "staff.update": { input: IdInput & StaffInput; output: Staff };
  "stores.list": { input: StoreQuery; output: StorePage };
  "stores.get": { input: IdInput; output: StoreDetail };
  "stores.create": { input: StoreInput; output: Store };
  "stores.update": { input: IdInput & StoreInput; output: Store };
  "contacts.create": { input: { store_id: number } & ContactInput; output: Contact };
  "contacts.update": { input: IdInput & ContactInput; output: Contact };
  "contacts.erase": { input: IdInput; output: Contact };
  "seminars.list": { input: Record<string, never>; output: Seminar[] };
  "seminars.get": { input: IdInput; output: Seminar };
  "seminars.create": { input: SeminarInput; output: Seminar };
  "seminars.update": { input: IdInput & SeminarInput; output: Seminar };
  "seminars.set_status": { input: SeminarStatusInput; output: Seminar };
  "demo.load": { input: DemoInput; output: DemoLoaded };
}
