// Display names by username: events and rows carry usernames; the snapshot (`people` of
// /api/v1/state), a timeline page and the clearance board carry the names the viewer may read.
const HIDDEN = "*"; // what a display gets for a username (server/visibility.py)
let people = {};

// Remember display names (merged: a timeline page adds the people it mentions).
export function addPeople(map) {
  people = { ...people, ...(map || {}) };
}

// Replace the known display names (a new snapshot says who is named now).
export function setPeople(map) {
  people = { ...(map || {}) };
}

// Return the display names known (username -> name).
export function knownPeople() {
  return people;
}

// Return a person's display name, else the username ("" for nobody or a hidden name).
export function personName(username) {
  if (!username || username === HIDDEN) return "";
  return people[username] || username;
}
