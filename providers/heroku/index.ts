// Every Heroku dynamic resource; one line per resource file.
export * from "./app";
export * from "./addon";
