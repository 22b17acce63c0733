// A third party's tag (a tag manager, ads, a chat widget).
window.tagLoaded = true;
