// A dropdown menu's items (dropdown.tsx), without client code: a server
// component can draw a menu's content and hand it to the Dropdown.
/** Class for a menu item (a link or button with role="menuitem"). */
export const dropdownItemClassName =
  "flex w-full items-center gap-2.5 rounded-lg px-2.5 py-2 text-left text-sm text-foreground transition-colors " +
  "hover:bg-surface-muted focus-visible:bg-surface-muted focus-visible:outline-offset-0 [&_svg]:size-4 [&_svg]:shrink-0 [&_svg]:text-muted-foreground";

export function DropdownSeparator() {
  return <div role="separator" className="-mx-1.5 my-1.5 h-px bg-border" />;
}
