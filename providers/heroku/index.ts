// Every Heroku dynamic resource; one line per resource file.
export * from "./app";
export * from "./addon";
export * from "./logDrain";
export * from "./appWebhook";
export * from "./pipeline";
export * from "./pipelineCoupling";
export * from "./configVarQuerySuffix";
export * from "./buildpacks";
export * from "./configVars";
export * from "./formation";
export * from "./authorization";
export * from "./domain";
export * from "./sniEndpoint";
