// Loaded in <head> before the page is drawn, so styles for script-enabled pages apply from the start
// (inline scripts are refused by the Content-Security-Policy).
document.documentElement.classList.add("js");
