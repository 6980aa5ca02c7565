import { PROFILE_FORGET_CHANNEL } from '../protocol/profile-forget-channel.ts';

/**
 * The page's ear on the origin's forget announcements (protocol/profile-forget-channel.ts): when
 * any tab or worker deleted the profile, the widgets of this page refresh, so no list built from
 * the forgotten history stays on screen.
 */
const listeners = new Set<() => void>();
let channel: BroadcastChannel | undefined;

/** Call `listener` whenever the profile is forgotten anywhere in this origin; returns the unsubscribe function. */
export function onProfileForgotten(listener: () => void): () => void {
  if (typeof BroadcastChannel !== 'function') return () => undefined;
  if (!channel) {
    channel = new BroadcastChannel(PROFILE_FORGET_CHANNEL);
    channel.onmessage = () => {
      for (const each of listeners) each();
    };
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      channel?.close();
      channel = undefined;
    }
  };
}
