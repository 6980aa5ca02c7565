/**
 * The BroadcastChannel on which an engine that deleted the profile tells every other engine
 * (tabs, workers) and page of the origin: `{ dbName }`. Engines drop what they hold in memory
 * (personal model, last-shown list, pending events); widgets refresh their lists.
 */
export const PROFILE_FORGET_CHANNEL = 'ondevice-recs-profile-forgotten';

export interface ProfileForgottenMessage {
  /** The profile database that was deleted. */
  dbName: string;
}
