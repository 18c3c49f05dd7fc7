"""A story's photo, video and audio: made safe before anyone sees them
(`images`, `recordings`), stored and deleted (`services`), served only while
public (`serving`), shown by the public surfaces (`representations`)."""
