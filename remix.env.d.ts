/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

/** twilio-video's prebuilt browser bundle: importing it sets `window.Twilio.Video`. */
declare module "twilio-video/dist/twilio-video.min.js";

/** @twilio/video-processors' prebuilt browser bundle: importing it sets `window.Twilio.VideoProcessors`. */
declare module "@twilio/video-processors/dist/build/twilio-video-processors.min.js";
