/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

/** twilio-video's prebuilt browser bundle: importing it sets `window.Twilio.Video`. */
declare module "twilio-video/dist/twilio-video.min.js";
