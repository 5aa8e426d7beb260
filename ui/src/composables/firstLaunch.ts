/** localStorage key: the user answered the first-launch dialog (demo data or start empty). */
export const FIRST_LAUNCH_DISMISSED_KEY = "huixiao.firstLaunchDismissed";
