/** "Save as template": a name and description for the form's migration body. */
import * as React from 'react';
import { api, unwrap } from '@/api/client';
import type { CreateMigration, Template } from '@/api/types';
import { InlineError } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { useAction } from '@/lib/use-query';

export function SaveTemplateDialog({ open, onOpenChange, body, onSaved }: { open: boolean; onOpenChange: (open: boolean) => void; body: CreateMigration; onSaved: (t: Template) => void }) {
  const [name, setName] = React.useState('');
  const [description, setDescription] = React.useState('');
  React.useEffect(() => {
    if (open) setName((n) => n || body.name);
  }, [open, body.name]);
  const save = useAction(async () => {
    const t = unwrap(await api.POST('/api/templates', { body: { name: name.trim(), description: description.trim() || undefined, migration: body } }));
    onSaved(t);
    onOpenChange(false);
  });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <DialogHeader>
            <DialogTitle>Save as template</DialogTitle>
            <DialogDescription>Keeps this migration's settings to run again later, from the Templates page or the CLI.</DialogDescription>
          </DialogHeader>
          <div className="grid gap-2">
            <Label htmlFor="template-name">Template name</Label>
            <Input id="template-name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="template-description">Description</Label>
            <Textarea id="template-description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Optional" />
          </div>
          <InlineError error={save.error} />
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Close
            </Button>
            <Button type="submit" disabled={!name.trim() || save.pending}>
              Save template
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
