// When Inter replaces the fallback face. The first visit paints in the
// metric-matched fallback and fetches Inter only after the page has loaded, so
// on a slow phone connection the font does not compete with the page's own
// code for bandwidth; once Inter has loaded it is swapped in with one reflow,
// and a flag in localStorage makes later visits use it from the first paint
// (the file is cached for a year under its hashed name).
//
// globals.css keys on the attribute: without it the font stack starts with
// the fallback; with it, with Inter (the family next/font declares, read from
// its CSS variable so the generated name never has to be known here).

export const FONTS_STORAGE_KEY = "meterdesk-fonts";
export const FONTS_ATTRIBUTE = "data-fonts";

/** Runs inline in <head> (components/shell/head-scripts.tsx); tiny and dependency-free. */
export const fontsInitScript = `(function(){var d=document.documentElement,k=${JSON.stringify(FONTS_STORAGE_KEY)},a=${JSON.stringify(FONTS_ATTRIBUTE)};var on=function(){d.setAttribute(a,"");};try{if(localStorage.getItem(k)==="1"){on();return;}}catch(e){}if(!document.fonts||!window.requestAnimationFrame){on();return;}var fetchFont=function(){var family=getComputedStyle(d).getPropertyValue("--font-inter-latin").trim();if(!family){on();return;}document.fonts.load("1em "+family).then(function(){on();try{localStorage.setItem(k,"1");}catch(e){}},on);};var later=function(){requestAnimationFrame(function(){setTimeout(fetchFont,0);});};if(document.readyState==="complete")later();else window.addEventListener("load",later,{once:true});})();`;
