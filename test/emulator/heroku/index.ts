export { startHerokuEmulator } from "./server";
export type { HerokuEmulator, HerokuEmulatorOptions, RecordedRequest } from "./server";
export type { Fault } from "./faults";
export { EmulatorState } from "./state";
export type * from "./records";
