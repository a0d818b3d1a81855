export * from "./users";
export * from "./sessions";
export * from "./departments";
export * from "./doctors";
export * from "./clinic-settings";
export * from "./rate-limits";
export * from "./availability";
export * from "./appointments";
